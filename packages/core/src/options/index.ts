export * from "./optionReader.js";
export * from "./closestNames.js";
