/** Named errors of the checkpoint layer; each message says what is wrong and what to do. */

/** A file that does not follow the safetensors format. */
export class SafetensorsFormatError extends Error {
  override name = 'SafetensorsFormatError';
  constructor(detail: string) {
    super(
      `Not a valid safetensors file: ${detail}. Re-export it with safetensors (save_file) or FlowMap Lab.`,
    );
  }
}

/** A tensor in a dtype this reader does not convert. */
export class SafetensorsDtypeError extends Error {
  override name = 'SafetensorsDtypeError';
  constructor(tensor: string, dtype: string) {
    super(
      `Tensor "${tensor}" has dtype ${dtype}; FlowMap Lab reads F32, F64, F16 and BF16. Convert it to float32 before saving.`,
    );
  }
}

/** A valid safetensors file that is not a FlowMap Lab checkpoint (no config, wrong parameters). */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
  constructor(detail: string) {
    super(`Not a usable FlowMap Lab checkpoint: ${detail}.`);
  }
}
