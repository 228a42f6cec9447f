// proxy: the attempt loop that takes a request to an upstream with a key, and relays the answer.
export { forward, messageOf, type ForwardContext, type ForwardRequest, type ForwardResult } from './forward';
export { readAll } from './relay';
