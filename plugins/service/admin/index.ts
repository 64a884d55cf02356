import { defineAdminExtension } from '@plume/admin-ui/kit'

/** The service plugin's screens (under /admin/x/service/…): tickets as a kanban by state. */
export default defineAdminExtension({
  plugin: 'service',
  screens: [
    {
      name: 'ticket-board',
      path: 'board',
      component: () => import('./TicketBoard.vue'),
      menu: {
        domain: 'service',
        label: { en: 'Ticket board', 'zh-CN': '工单看板' },
        position: 10,
        entity: 'ticket',
      },
    },
  ],
  messages: {
    en: {
      title: 'Ticket board',
      intro:
        'Tickets by state. Drag a card to another column, or use "Move to", to run that step of the workflow; only the moves allowed now are offered, and a move the server refuses goes back with its reason.',
      assignee: 'Assignee',
      priority: 'Priority',
      allPriorities: 'All priorities',
      refresh: 'Refresh',
      unassigned: 'Unassigned',
      moveTo: 'Move to',
      hours: '{n} h',
      days: '{n} d',
      moved: '{number} moved to {to}.',
      refused: '{number} was not moved: {message}',
      notAllowed: 'A ticket cannot go from {from} to {to} directly.',
      assignTitle: 'Assign {number}',
      assignHelp:
        'Choose the service agent who takes this ticket. Left empty, it is assigned to you (service agents only).',
      assign: 'Assign',
      cancel: 'Cancel',
    },
    'zh-CN': {
      title: '工单看板',
      intro:
        '按状态排列的工单。把卡片拖到另一列，或使用“移至”，即执行工作流中的该步骤；只提供当前允许的移动，服务器拒绝的移动会退回原列并显示原因。',
      assignee: '处理人',
      priority: '优先级',
      allPriorities: '全部优先级',
      refresh: '刷新',
      unassigned: '未分派',
      moveTo: '移至',
      hours: '{n} 小时',
      days: '{n} 天',
      moved: '{number} 已移至“{to}”。',
      refused: '{number} 未能移动：{message}',
      notAllowed: '工单不能从“{from}”直接变为“{to}”。',
      assignTitle: '分派 {number}',
      assignHelp: '选择接手此工单的客服人员。留空则分派给您自己（仅限客服人员）。',
      assign: '分派',
      cancel: '取消',
    },
  },
})
