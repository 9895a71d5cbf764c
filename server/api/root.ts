import { approvalRouter } from "./routers/approval";
import { chatRouter } from "./routers/chat";
import { entityRouter } from "./routers/entity";
import { groupRouter } from "./routers/group";
import { managerRouter } from "./routers/manager";
import { mentionRouter } from "./routers/mention";
import { messageRouter } from "./routers/message";
import { peopleRouter } from "./routers/people";
import { pushRouter } from "./routers/push";
import { recordRouter } from "./routers/record";
import { rotaRouter } from "./routers/rota";
import { searchRouter } from "./routers/search";
import { smsRouter } from "./routers/sms";
import { streamRouter } from "./routers/stream";
import { tokenRouter } from "./routers/token";
import { userRouter } from "./routers/user";
import { webhookRouter } from "./routers/webhook";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  user: userRouter,
  chat: chatRouter,
  message: messageRouter,
  mention: mentionRouter,
  people: peopleRouter,
  entity: entityRouter,
  manager: managerRouter,
  group: groupRouter,
  approval: approvalRouter,
  token: tokenRouter,
  webhook: webhookRouter,
  record: recordRouter,
  rota: rotaRouter,
  search: searchRouter,
  sms: smsRouter,
  push: pushRouter,
  stream: streamRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
