/**
 * The given attributes without the ones left undefined, for a factory's
 * `merge`: an attribute a test does not set keeps the factory's value.
 */
export function given<T extends object>(attributes: T) {
  return Object.fromEntries(
    Object.entries(attributes).filter(([, value]) => value !== undefined)
  ) as Partial<T>
}
