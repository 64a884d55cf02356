/** Display names the rule screens share: roles, entities, fields, actions (technical name as fallback). */
import { useI18n } from 'vue-i18n'
import { tr } from '../../../i18n'
import { useMeta } from '../../../stores/meta'
import { entityLabel } from '../../../utils/entity'
import { fieldLabel } from '../../../utils/format'
import '../../../i18n/record-admin'
import './messages'

export function useRuleLabels() {
  const { t, te } = useI18n()
  const meta = useMeta()
  const role = (r: string) => (te(`adm.role.${r}`) ? t(`adm.role.${r}`) : r)
  const entity = (name: string) =>
    name === '*' ? t('bld.rul.all') : entityLabel(meta.byName.get(name)) || name
  const field = (entityName: string, name: string) =>
    name === 'id' ? 'ID' : fieldLabel(meta.byName.get(entityName)?.fields[name], name)
  const action = (entityName: string, a: string) => {
    if (a === '*') return t('bld.rul.editor.allActions')
    const custom = (meta.actions[entityName] ?? []).find((x) => x.permission === a)
    return custom?.label
      ? tr(custom.label, custom.name)
      : te(`bld.rul.crud.${a}`)
        ? t(`bld.rul.crud.${a}`)
        : a
  }
  /** `user.attributes.warehouseId` or `$.attributes.warehouseId` → "the user's warehouse". */
  const fact = (f: string) => {
    const key = f.replace(/^(user|\$)\.(attributes\.)?/, '')
    return te(`bld.rul.facts.${key}`) ? t(`bld.rul.facts.${key}`) : f
  }
  return { role, entity, field, action, fact }
}
