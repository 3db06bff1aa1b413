// Moved to @inseqjs/core (shared with the layer methods).
export { closestNames, editDistance } from "@inseqjs/core";
