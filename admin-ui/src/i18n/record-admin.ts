/**
 * Texts of the record actions (components/RecordActions.vue) and the administration screens
 * (views/admin/), merged into the UI's messages when first imported.
 */
import { i18n } from './index'

const en = {
  act: {
    none: 'No actions available in this state',
    loading: 'Loading actions…',
    done: '{action}: done',
    failed: '{action} failed: {message}',
    confirm: 'Confirm',
    dialogHint: 'Fill in what this step needs, then confirm.',
    rowsHint: 'Change a quantity to ship less than ordered; the rest is released.',
    ordered: 'Ordered',
    item: 'Item',
    field: { carrier: 'Carrier', trackingNumber: 'Tracking number', reason: 'Reason', note: 'Note', lines: 'Lines', quantity: 'Quantity shipped' },
    problem: {
      required: 'is required',
      maxLength: 'must be at most {limit} characters',
      atLeast: 'must be at least {limit}',
      atMost: 'must be at most {limit}',
      integer: 'must be a whole number',
    },
  },
  adm: {
    domain: 'Administration',
    adminsOnly: 'Only administrators can see this screen.',
    role: {
      admin: 'Administrator', sales_manager: 'Sales manager', sales_rep: 'Sales rep', warehouse: 'Warehouse', finance: 'Finance',
      service_agent: 'Service agent', auditor: 'Auditor', partner_admin: 'Partner admin', partner_user: 'Partner user',
    },
    users: {
      title: 'Users', name: 'Name', email: 'Email', roles: 'Roles', active: 'Active', partner: 'Partner', search: 'Search name or email',
      pickRoles: 'Pick roles', saved: 'Roles of {name} saved', noRoles: 'No roles', lastLogin: 'Last sign-in',
    },
    keys: {
      title: 'API keys', name: 'Name', kind: 'Kind', roles: 'Roles', prefix: 'Key starts with', lastUsed: 'Last used', expires: 'Expires', status: 'Status',
      create: 'New API key', revoke: 'Revoke', revoked: 'Revoked', activeKey: 'Active', confirmRevoke: 'Revoke key “{name}”? Programs using it stop working at once.',
      created: 'Key created. Copy it now: it is shown only once.', copy: 'Copy', copied: 'Copied', origins: 'Allowed origins (one per line)',
    },
    plugins: {
      title: 'Plugins', name: 'Plugin', description: 'What it does', dependsOn: 'Depends on', status: 'Status', enabled: 'Enabled', disabled: 'Disabled',
      failed: 'Failed', enable: 'Enable', disable: 'Disable', confirmDisable: 'Disable plugin “{name}”? Its screens, services and actions go away until it is enabled again; its data stays.',
      switched: 'Plugin {name} is now {state}', blocked: 'Cannot switch {name}',
    },
    audit: {
      title: 'Audit log', entity: 'Entity', record: 'Record ID', actor: 'Actor (user ID)', action: 'Action', from: 'From', to: 'To', search: 'Search', reset: 'Reset',
      at: 'Time', who: 'Who', via: 'Via', what: 'Record', changes: 'Changes', verify: 'Verify the chain', verifyOk: 'The audit chain is intact: {checked} records checked.',
      verifyBad: 'The audit chain is broken at record {id}: {message}', total: '{n} records', any: 'Any',
    },
  },
}

const zhCN: typeof en = {
  act: {
    none: '当前状态下没有可执行的操作',
    loading: '正在加载操作…',
    done: '{action}：已完成',
    failed: '{action}失败：{message}',
    confirm: '确认',
    dialogHint: '请填写此步骤所需的信息，然后确认。',
    rowsHint: '如需少发，请修改数量；未发部分的预留将被释放。',
    ordered: '订购数量',
    item: '明细',
    field: { carrier: '承运商', trackingNumber: '运单号', reason: '原因', note: '备注', lines: '明细行', quantity: '发货数量' },
    problem: {
      required: '为必填项',
      maxLength: '不能超过 {limit} 个字符',
      atLeast: '不能小于 {limit}',
      atMost: '不能大于 {limit}',
      integer: '必须是整数',
    },
  },
  adm: {
    domain: '系统管理',
    adminsOnly: '只有管理员可以查看此页面。',
    role: {
      admin: '管理员', sales_manager: '销售经理', sales_rep: '销售代表', warehouse: '仓库', finance: '财务',
      service_agent: '客服专员', auditor: '审计员', partner_admin: '伙伴管理员', partner_user: '伙伴用户',
    },
    users: {
      title: '用户', name: '姓名', email: '邮箱', roles: '角色', active: '启用', partner: '合作伙伴', search: '搜索姓名或邮箱',
      pickRoles: '选择角色', saved: '已保存 {name} 的角色', noRoles: '无角色', lastLogin: '最近登录',
    },
    keys: {
      title: 'API 密钥', name: '名称', kind: '类型', roles: '角色', prefix: '密钥开头', lastUsed: '最近使用', expires: '过期时间', status: '状态',
      create: '新建 API 密钥', revoke: '吊销', revoked: '已吊销', activeKey: '有效', confirmRevoke: '吊销密钥“{name}”？使用它的程序将立即无法访问。',
      created: '密钥已创建。请立即复制：它只显示这一次。', copy: '复制', copied: '已复制', origins: '允许的来源（每行一个）',
    },
    plugins: {
      title: '插件', name: '插件', description: '功能说明', dependsOn: '依赖', status: '状态', enabled: '已启用', disabled: '已停用',
      failed: '出错', enable: '启用', disable: '停用', confirmDisable: '停用插件“{name}”？在重新启用之前，它的页面、服务和操作都将不可用；数据会保留。',
      switched: '插件 {name} 已{state}', blocked: '无法切换 {name}',
    },
    audit: {
      title: '审计日志', entity: '实体', record: '记录编号', actor: '操作人（用户编号）', action: '操作', from: '开始时间', to: '结束时间', search: '搜索', reset: '重置',
      at: '时间', who: '操作人', via: '渠道', what: '记录', changes: '变更', verify: '校验审计链', verifyOk: '审计链完整：已校验 {checked} 条记录。',
      verifyBad: '审计链在第 {id} 条记录处断开：{message}', total: '共 {n} 条', any: '全部',
    },
  },
}

i18n.global.mergeLocaleMessage('en', en)
i18n.global.mergeLocaleMessage('zh-CN', zhCN)
