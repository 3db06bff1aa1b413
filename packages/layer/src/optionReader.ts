// Moved to @inseqjs/core (shared by every method package).
export { optionReader, type OptionReader } from "@inseqjs/core";
