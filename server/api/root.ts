import { chatRouter } from "./routers/chat";
import { entityRouter } from "./routers/entity";
import { groupRouter } from "./routers/group";
import { managerRouter } from "./routers/manager";
import { messageRouter } from "./routers/message";
import { peopleRouter } from "./routers/people";
import { userRouter } from "./routers/user";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  user: userRouter,
  chat: chatRouter,
  message: messageRouter,
  people: peopleRouter,
  entity: entityRouter,
  manager: managerRouter,
  group: groupRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
