// Small models implementing AttributionModel for unit tests of methods (no files needed).
export {};
