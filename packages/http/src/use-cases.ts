import type {
  Authenticate, CreateTask, DeleteTask, DeleteUser, GetTask, ListTasks, ListUserTasks, PurgeExpiredKeys, PurgeOldDeletions, SyncTasks, ToggleTaskCompletion,
  UpdateTask,
} from '@todo/application';

/** The use-cases as plain objects: what the routes and the CLI receive from the composition root. */
export interface UseCases {
  readonly authenticate: Authenticate;
  readonly createTask: CreateTask;
  readonly listTasks: ListTasks;
  readonly getTask: GetTask;
  readonly updateTask: UpdateTask;
  readonly toggleTaskCompletion: ToggleTaskCompletion;
  readonly deleteTask: DeleteTask;
  readonly deleteUser: DeleteUser;
  readonly listUserTasks: ListUserTasks;
  readonly purgeExpiredKeys: PurgeExpiredKeys;
  readonly syncTasks: SyncTasks;
  readonly purgeOldDeletions: PurgeOldDeletions;
}
