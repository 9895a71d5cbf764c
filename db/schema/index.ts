export * from "./users";
export * from "./groups";
export * from "./entities";
export * from "./chats";
export * from "./messages";
export * from "./audit";
export * from "./settings";
export * from "./events";
