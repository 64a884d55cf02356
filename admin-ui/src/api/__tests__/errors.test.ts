import { describe, expect, it } from 'vitest'
import { errorCode, errorMessage, formErrors, pointerField } from '../errors'

const badRequest = {
  name: 'BadRequest',
  code: 400,
  message: 'Data does not match the schema',
  errors: [
    { path: '/name', message: 'is required' },
    { path: '/name', message: 'must be shorter' },
    { path: '/address/city', message: 'is too long' },
    { path: '/version', message: 'is out of date' },
    { path: '', message: 'must be an object' },
  ],
}

describe('server errors on a form', () => {
  it('puts the first message of each field on the field', () => {
    expect(formErrors(badRequest, ['name', 'address']).fields).toEqual({
      name: 'is required',
      address: 'is too long',
    })
  })

  it('keeps errors of fields not on the form, and of the whole record, for the form alert', () => {
    expect(formErrors(badRequest, ['name', 'address']).other).toEqual([
      'version is out of date',
      'must be an object',
    ])
  })

  it('reads JSON pointers and copes with errors that have no list', () => {
    expect(pointerField('/a~1b/c')).toBe('a/b')
    expect(formErrors(new Error('offline'), ['name'])).toEqual({ fields: {}, other: [] })
    expect(errorMessage(badRequest)).toBe('Data does not match the schema')
    expect(errorCode(badRequest)).toBe(400)
  })
})
