/** Whether the code runs in Node (file-system access available), as opposed to a browser or worker. */
export function isNode(): boolean {
  return typeof process !== "undefined" && typeof process.versions?.node === "string";
}
