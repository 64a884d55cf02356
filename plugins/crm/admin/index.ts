import { defineAdminExtension } from '@plume/admin-ui/kit'

/** The CRM plugin's screens (under /admin/x/crm/…): activities and deliveries on a calendar. */
export default defineAdminExtension({
  plugin: 'crm',
  screens: [
    {
      name: 'crm-calendar',
      path: 'calendar',
      component: () => import('./ActivityCalendar.vue'),
      menu: { domain: 'crm', label: { en: 'Calendar', 'zh-CN': '日程' }, position: 10, entity: 'activity' },
    },
  ],
  messages: {
    en: {
      title: 'Calendar',
      intro:
        'Customer activities (calls, visits, meetings…) and deliveries: orders expected on their requested delivery date, shipped and delivered. Click an entry to open it.',
      previous: 'Previous',
      next: 'Next',
      today: 'Today',
      month: 'Month',
      week: 'Week',
      kinds: {
        activity: 'Activities',
        expected: 'Expected deliveries',
        shipped: 'Shipped',
        delivered: 'Delivered',
      },
    },
    'zh-CN': {
      title: '日程',
      intro:
        '客户活动（电话、拜访、会议等）与交货：按要求交货日期预计到货的订单、已发货和已送达的订单。点击条目即可打开。',
      previous: '上一页',
      next: '下一页',
      today: '今天',
      month: '月',
      week: '周',
      kinds: { activity: '活动', expected: '预计交货', shipped: '已发货', delivered: '已送达' },
    },
  },
})
