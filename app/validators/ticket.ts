import vine from '@vinejs/vine'

/* An agent's reply to a ticket. */
export const ticketReplyValidator = vine.create({
  body: vine.string().trim().minLength(2).maxLength(10000),
})

export const ticketStatusValidator = vine.create({
  status: vine.enum(['open', 'closed'] as const),
})
