/** `npm run contracts:build`: compile contracts/ into contracts/artifacts/ (loadArtifact also does it on demand). */
import path from "node:path";
import { ARTIFACTS_DIR, compileContracts } from "#server/chain/index.ts";

const { artifacts, warnings } = await compileContracts();
for (const w of warnings) console.warn(w);
console.log(`compiled ${Object.keys(artifacts).sort().join(", ")} into ${path.relative(process.cwd(), ARTIFACTS_DIR)}/`);
