export { SecretBox, SecretBoxError, keyIdOf } from "./secret-box.ts";
export { rotateSecrets, SECRET_COLUMNS, type RotationReport } from "./rotate.ts";
export { secretBoxFromEnv } from "./from-env.ts";
export { secretsEqual } from "./equal.ts";
export { newSecret, hashSecret } from "./tokens.ts";
