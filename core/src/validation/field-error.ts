/** One invalid field in a 400 answer: where (JSON pointer) and what is wrong with it. */
export interface FieldError {
  path: string
  message: string
}
