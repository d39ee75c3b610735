export { parseHTML, Selection, Element, NodeType } from './selection';
