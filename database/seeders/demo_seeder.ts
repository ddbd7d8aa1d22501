import { BaseSeeder } from '@adonisjs/lucid/seeders'
import { appKey } from '#config/app'
import { DemoSeeder } from '#demo/demo_seeder'
import { demoPasswords } from '#demo/demo_logins'

/** `node ace db:seed` in development: the same demo data as `node ace demo:seed`. */
export default class extends BaseSeeder {
  static environment = ['development']

  async run() {
    const passwords = demoPasswords(appKey.release())
    await new DemoSeeder().run({
      merchantPassword: passwords.merchant,
      supportPassword: passwords.support,
    })
  }
}
