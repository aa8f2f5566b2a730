// MeanFlow distillation: MeanFlow's objective (Geng et al. 2505.13447) on data interpolants with a teacher's velocity as the
// instantaneous velocity, L = E w || F(z_t, t, r) - sg(u_T(z_t, t) - (t - r) dF/dt) ||^2, dF/dt = JVP along (u_T, 1, 0);
// the Eulerian map distillation of Boffi et al. (2505.18825) in MeanFlow's parametrisation.
import { stopGradient } from '../autodiff/ops.ts';
import { MissingTeacherError } from './errors.ts';
import { interpolate } from './flow.ts';
import { requireData, teacherNetwork, teacherStage } from './fm.ts';
import { flowMapSample, meanflowObjective, meanflowSchema, meanflowTimes } from './meanflow.ts';
import { defineMethod } from './method.ts';

/** MeanFlow's times and adaptive weight; the JVP tangent is the teacher's velocity, so no velocity mix. */
export const meanflowDistillSchema = meanflowSchema.omit({ jvpVelocityMix: true });

export const meanflowDistill = defineMethod({
  id: 'meanflowDistill',
  title: 'MeanFlow distillation',
  paper: '2505.13447',
  related: ['2505.18825'],
  objective:
    'E w || F(z_t, t, r) - sg(u_T(z_t, t) - (t - r) dF/dt) ||^2, dF/dt = JVP along (u_T(z_t, t), 1, 0) on (z, t, r)',
  schema: meanflowDistillSchema,
  supportsLabels: true,
  usesData: true,
  needsTeacher: () => true,
  networks: {
    teacher: teacherNetwork,
    net: {
      description: "the average velocity F(z, t, r), distilled from the teacher's velocity",
      kind: 'flowMap',
      init: 'fresh',
    },
  },
  sampleNetwork: 'net',
  stages: [
    teacherStage(),
    {
      name: 'student',
      description: "MeanFlow's objective on data-noise interpolants, the teacher's velocity as v",
      steps: 'train',
      reads: ['teacher'],
      main: {
        name: 'net',
        trains: ['net'],
        buildLoss: (ctx) => {
          const p = ctx.params;
          if (!ctx.teacher) throw new MissingTeacherError('meanflowDistill');
          const x = requireData(ctx);
          const e = ctx.random(x.shape, 'normal');
          const { t, r } = meanflowTimes(ctx, p);
          const zt = interpolate(x, e, t);
          // The (guided, when labelled) teacher's velocity at the interpolant replaces MeanFlow's e - x,
          // as the JVP tangent and in the target.
          const v = stopGradient(ctx.teacher(zt, t));
          return meanflowObjective(ctx.nets.net, zt, t, r, v, v, p);
        },
      },
    },
  ],
  sample: (ctx, noise, req) => flowMapSample(ctx.net, noise, req.steps),
});
