import { defineAdminExtension } from '@plume/admin-ui/kit'

/** The risk plugin's screens (under /admin/x/risk/…): the credit-hold queue. */
export default defineAdminExtension({
  plugin: 'risk',
  screens: [
    {
      name: 'credit-hold-queue',
      path: 'holds',
      component: () => import('./HoldQueue.vue'),
      menu: {
        domain: 'risk',
        label: { en: 'Credit-hold queue', 'zh-CN': '信用冻结待办' },
        position: 10,
        entity: 'creditHold',
      },
    },
  ],
  messages: {
    en: {
      title: 'Credit-hold queue',
      intro:
        'Orders held at submit by the credit check, oldest first. Release lets the order be approved; reject cancels it and frees its stock. Both need a note. The queue updates by itself.',
      empty: 'No order is on credit hold.',
      amount: 'Order amount',
      exposure: 'Exposure',
      limit: 'Credit limit',
      noLimit: 'none',
      hours: '{n} h',
      days: '{n} d',
      release: 'Release',
      reject: 'Reject',
      releaseTitle: 'Release the hold on {order}',
      rejectTitle: 'Reject order {order}',
      rejectWarn: 'The order will be cancelled and its stock reservation released.',
      note: 'Note (why)',
      noteRequired: 'A note is required',
      cancel: 'Cancel',
      released: 'The hold on {order} was released.',
      rejected: 'Order {order} was rejected and cancelled.',
      reasons: {
        'customer-limit': 'Customer credit limit exceeded: exposure {exposure}, limit {limit}',
        'partner-limit': 'Partner credit limit exceeded: exposure {exposure}, limit {limit}',
        overdue: '{n} invoice(s) overdue past the credit policy',
      },
    },
    'zh-CN': {
      title: '信用冻结待办',
      intro:
        '提交时被信用检查冻结的订单，最早的在前。解除冻结后订单可以审批；拒绝会取消订单并释放库存。两者都需要填写备注。列表会自动更新。',
      empty: '当前没有信用冻结的订单。',
      amount: '订单金额',
      exposure: '信用占用',
      limit: '信用额度',
      noLimit: '无',
      hours: '{n} 小时',
      days: '{n} 天',
      release: '解除冻结',
      reject: '拒绝',
      releaseTitle: '解除订单 {order} 的冻结',
      rejectTitle: '拒绝订单 {order}',
      rejectWarn: '订单将被取消，库存预留将被释放。',
      note: '备注（原因）',
      noteRequired: '必须填写备注',
      cancel: '取消',
      released: '订单 {order} 的冻结已解除。',
      rejected: '订单 {order} 已拒绝并取消。',
      reasons: {
        'customer-limit': '超出客户信用额度：占用 {exposure}，额度 {limit}',
        'partner-limit': '超出合作伙伴信用额度：占用 {exposure}，额度 {limit}',
        overdue: '{n} 张发票逾期超过信用政策期限',
      },
    },
  },
})
