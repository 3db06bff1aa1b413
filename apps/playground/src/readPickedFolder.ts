/** The files of a folder picked with `<input type=file webkitdirectory>`, keyed by their path inside it. */
export async function readPickedFolder(list: FileList): Promise<{ name: string; files: Record<string, Uint8Array> }> {
  const files: Record<string, Uint8Array> = {};
  let name = "folder";
  for (const file of Array.from(list)) {
    const parts = (file.webkitRelativePath || file.name).split("/");
    if (parts.length > 1) name = parts[0];
    const path = parts.length > 1 ? parts.slice(1).join("/") : parts[0];
    files[path] = new Uint8Array(await file.arrayBuffer());
  }
  return { name, files };
}
