export { save, saveBytes, type SaveOptions, type SaveBytesOptions } from "./save.js";
export { load, loadJson } from "./load.js";
export { saveToFile, type SaveToFileOptions } from "./saveToFile.js";
export { loadFromFile } from "./loadFromFile.js";
export { toInseqJson } from "./toInseqJson.js";
export { fromInseqJson } from "./fromInseqJson.js";
export { encodeTensorBlob, decodeTensorBlob, TENSOR_BLOB_NAME, type ScoresPrecision } from "./tensorBlob.js";
export { stringifyPythonJson, parsePythonJson, pythonFloatRepr, PyFloat } from "./pythonJson.js";
