/** Texts of the list screen's saved views and phone cards (merged into `list.*` when the list loads). */
import { i18n } from '../../i18n'

const en = {
  list: {
    myViews: 'My views',
    sharedViews: 'Shared with me',
    noViews: 'No saved views yet',
    shareWith: 'Share with role',
    private: 'Only me',
    sharedBy: 'shared with {role}',
    viewSaved: 'View “{name}” saved',
    viewDeleted: 'View “{name}” deleted',
    confirmDeleteView: 'Delete the view “{name}”?',
    saveViewHelp: 'Saves the filters, search, sort, page size and columns shown now.',
    open: 'Open',
    role: {
      admin: 'Administrator',
      sales_manager: 'Sales manager',
      sales_rep: 'Sales rep',
      warehouse: 'Warehouse',
      finance: 'Finance',
      service_agent: 'Service agent',
      auditor: 'Auditor',
      partner_admin: 'Partner admin',
      partner_user: 'Partner user',
    },
  },
}

const zhCN = {
  list: {
    myViews: '我的视图',
    sharedViews: '共享给我的',
    noViews: '还没有保存的视图',
    shareWith: '共享给角色',
    private: '仅自己',
    sharedBy: '已共享给{role}',
    viewSaved: '视图“{name}”已保存',
    viewDeleted: '视图“{name}”已删除',
    confirmDeleteView: '删除视图“{name}”？',
    saveViewHelp: '保存当前的筛选、搜索、排序、每页条数和显示列。',
    open: '打开',
    role: {
      admin: '管理员',
      sales_manager: '销售经理',
      sales_rep: '销售代表',
      warehouse: '仓库',
      finance: '财务',
      service_agent: '客服专员',
      auditor: '审计员',
      partner_admin: '伙伴管理员',
      partner_user: '伙伴用户',
    },
  },
}

i18n.global.mergeLocaleMessage('en', en)
i18n.global.mergeLocaleMessage('zh-CN', zhCN)
