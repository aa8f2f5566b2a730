/** Named errors of the methods layer. Each message says what to do. */

export class MissingDataError extends Error {
  override name = 'MissingDataError';
  constructor() {
    super(
      'this objective needs data samples but the loss context has none (ctx.data is null): the trainer must pass ' +
        'ops.sampleData(dataset, batch, stream) to every stage whose usesData (stage.usesData ?? method.usesData) is true',
    );
  }
}

export class MissingTeacherError extends Error {
  override name = 'MissingTeacherError';
  constructor(method: string) {
    super(
      `method '${method}' distils a teacher but the loss context has none (ctx.teacher is null): bind the analytic ` +
        "Gaussian-mixture velocity (teacher.source 'analytic', Gaussian-mixture datasets: 8gaussians, gmm3) or the trained 'teacher' network",
    );
  }
}

export class UnknownMethodError extends Error {
  override name = 'UnknownMethodError';
  constructor(id: string, known: readonly string[]) {
    super(`unknown method '${id}': use one of ${known.join(', ')}`);
  }
}

export class MethodParamsError extends Error {
  override name = 'MethodParamsError';
  constructor(method: string, issues: string[]) {
    super(
      `invalid hyperparameters for method '${method}' - ${issues.join('; ')}. Fix these fields of config.params ` +
        'or remove them to use the official defaults.',
    );
  }
}
