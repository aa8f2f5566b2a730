/**
 * One section of the config (net, train, teacher) as controls generated from its zod schema. A control is
 * hidden when a lesson link names its URL key (`hide=lr,width`) or the whole section (`hide=train`).
 */
import { useMemo } from 'react';
import { controlsFromSchema, type ControlSpec } from '../../state/controls.ts';
import { URL_FIELDS } from '../../state/url.ts';
import { netSchema, teacherSchema, trainSchema, type ExperimentConfig } from '../../train/config.ts';
import { store, usePlayground } from '../store.ts';
import { Select } from './Select.tsx';
import { Slider } from './Slider.tsx';
import { Toggle } from './Toggle.tsx';

type Section = 'net' | 'train' | 'teacher';
const schemas = { net: netSchema, train: trainSchema, teacher: teacherSchema } as const;

const urlKey = (section: Section, name: string) =>
  URL_FIELDS.find((f) => f.section === section && f.name === name)?.key ?? name;

export function ConfigSection({ section, names }: { section: Section; names: readonly string[] }) {
  const specs = useMemo(() => {
    const all = controlsFromSchema(schemas[section]);
    return names.map((n) => all.find((s) => s.name === n)).filter((s): s is ControlSpec => s !== undefined);
  }, [section, names]);
  const values = usePlayground((s) => s.config[section]) as Record<string, unknown>;
  const hide = usePlayground((s) => s.hide);
  const set = (name: string, v: unknown) =>
    store.getState().setConfig((c: ExperimentConfig) => ({ ...c, [section]: { ...c[section], [name]: v } }));
  return (
    <>
      {specs
        .filter((spec) => !hide.includes(urlKey(section, spec.name)))
        .map((spec) => {
          const testId = `${section}-${spec.name}`;
          const label = spec.help && spec.help.length < 28 ? spec.help : spec.label;
          switch (spec.kind) {
            case 'number':
              return (
                <Slider
                  key={spec.name}
                  spec={{ ...spec, label }}
                  value={Number(values[spec.name])}
                  onChange={(v) => set(spec.name, v)}
                  testId={testId}
                />
              );
            case 'enum':
              return (
                <Select
                  key={spec.name}
                  label={label}
                  help={spec.help}
                  value={String(values[spec.name])}
                  options={spec.options.map((o) => ({ value: o, label: o }))}
                  onChange={(v) => set(spec.name, v)}
                  testId={testId}
                />
              );
            case 'boolean':
              return (
                <Toggle
                  key={spec.name}
                  label={label}
                  help={spec.help}
                  value={values[spec.name] === true}
                  onChange={(v) => set(spec.name, v)}
                  testId={testId}
                />
              );
          }
        })}
    </>
  );
}
