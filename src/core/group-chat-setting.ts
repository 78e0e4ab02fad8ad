// A bot's groupChatSetting: which group messages CometChat relays to it. The one list every part uses.
export const GROUP_CHAT_SETTINGS = ['allMessages', 'slashedMessages', 'mentionedMessages', 'none'] as const;
export type GroupChatSetting = (typeof GROUP_CHAT_SETTINGS)[number];
