export * from './ports.js';
export { Authenticate } from './auth/authenticate.js';
export { CreateTask } from './tasks/create-task.js';
export { DeleteTask } from './tasks/delete-task.js';
export { GetTask } from './tasks/get-task.js';
export { ListTasks, type TaskPage } from './tasks/list-tasks.js';
export { ToggleTaskCompletion } from './tasks/toggle-task-completion.js';
export { UpdateTask } from './tasks/update-task.js';
export { DeleteUser } from './users/delete-user.js';
