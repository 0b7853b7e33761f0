/** Striped counter fields. */
export { PCounter, COUNTER_MAX } from './PCounter';
