import SavedReply from '#models/saved_reply'
import type StaffUser from '#models/staff_user'
import { AuditService } from '#services/audit/audit_service'
import { maskPans } from '#services/security/card_number_guard'

export type SavedReplyData = { title: string; locale: 'de' | 'en'; text: string }

/*
| Textbausteine: saved replies every agent can insert into an answer (on the ticket
| page, in the ticket's language); support admins keep the list. Every change is
| audited with the acting admin.
*/
export const SavedReplies = {
  /** All of them, by language and title. */
  async all() {
    return SavedReply.query().orderBy('locale', 'asc').orderBy('title', 'asc')
  },

  /** One of them, or null. */
  async find(id: number) {
    return SavedReply.find(id)
  },

  /** A new Textbaustein. */
  async create(data: SavedReplyData, staff: StaffUser) {
    const reply = await SavedReply.create({
      title: maskPans(data.title).text,
      locale: data.locale,
      body: maskPans(data.text).text,
      createdByStaffId: staff.id,
    })
    await audit('saved_reply.created', reply, staff)
    return reply
  },

  /** Changes title, language and text. */
  async update(reply: SavedReply, data: SavedReplyData, staff: StaffUser) {
    reply.merge({
      title: maskPans(data.title).text,
      locale: data.locale,
      body: maskPans(data.text).text,
    })
    await reply.save()
    await audit('saved_reply.updated', reply, staff)
  },

  /** Removes it; tickets answered with it keep their text. */
  async remove(reply: SavedReply, staff: StaffUser) {
    await reply.delete()
    await audit('saved_reply.deleted', reply, staff)
  },
}

function audit(action: string, reply: SavedReply, staff: StaffUser) {
  return AuditService.record({
    action,
    actor: { type: 'staff', id: staff.id },
    subjectUserId: null,
    meta: { savedReplyId: reply.id, title: reply.title, locale: reply.locale },
  })
}
