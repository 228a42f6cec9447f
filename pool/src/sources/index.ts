// sources: key.txt and upstreams.txt on disk: loading, watching, reloading.
export { Sources, StartupError, type Mode, type ReloadReport } from './sources';
export { watchContent, type Watcher } from './watch';
