/** Built-in connector of `http.call` rule actions (no config of its own). */
export { HttpCallConnector, httpSinkOf } from './connector.js';
