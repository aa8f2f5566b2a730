/** Controls generated from a zod object schema (a method's hyperparameters), each hideable by `p.<name>`. */
import { useMemo } from 'react';
import type { z } from 'zod';
import { controlsFromSchema } from '../../state/controls.ts';
import type { ParamValue } from '../../train/config.ts';
import { usePlayground } from '../store.ts';
import { Select } from './Select.tsx';
import { Slider } from './Slider.tsx';
import { Toggle } from './Toggle.tsx';

export function SchemaControls({
  schema,
  values,
  onChange,
}: {
  schema: z.ZodObject;
  values: Record<string, ParamValue>;
  onChange: (name: string, v: ParamValue) => void;
}) {
  const specs = useMemo(() => controlsFromSchema(schema), [schema]);
  const hide = usePlayground((s) => s.hide);
  return (
    <>
      {specs
        .filter((spec) => !hide.includes(`p.${spec.name}`))
        .map((spec) => {
          const value = values[spec.name] ?? spec.default;
          const testId = `param-${spec.name}`;
          switch (spec.kind) {
            case 'number':
              return (
                <Slider
                  key={spec.name}
                  spec={spec}
                  value={Number(value)}
                  onChange={(v) => onChange(spec.name, v)}
                  testId={testId}
                />
              );
            case 'enum':
              return (
                <Select
                  key={spec.name}
                  label={spec.label}
                  help={spec.help}
                  value={String(value)}
                  options={spec.options.map((o) => ({ value: o, label: o }))}
                  onChange={(v) => onChange(spec.name, v)}
                  testId={testId}
                />
              );
            case 'boolean':
              return (
                <Toggle
                  key={spec.name}
                  label={spec.label}
                  help={spec.help}
                  value={value === true}
                  onChange={(v) => onChange(spec.name, v)}
                  testId={testId}
                />
              );
          }
        })}
    </>
  );
}
