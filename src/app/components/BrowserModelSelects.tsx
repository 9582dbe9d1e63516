import type { EmbeddingDevicePreference } from '../compute/embeddingDevice';
import { useExplorer } from '../stores/explorerStore';
import { SelectField } from './SelectField';

/**
 * Settings of the models that run in the browser with transformers.js (the embedding model and the
 * cross-encoder teacher share them): where they run, and where their files are downloaded from.
 */

const DEVICES = [
  { value: 'auto', label: 'auto' },
  { value: 'webgpu', label: 'WebGPU' },
  { value: 'wasm', label: 'WASM' },
] as const;

const MODEL_HOSTS = [
  { value: 'hub', label: 'Hugging Face Hub' },
  { value: 'server', label: 'this server’s mirror' },
] as const;

export function DeviceSelect() {
  const device = useExplorer((s) => s.view.embeddingDevice);
  const update = useExplorer((s) => s.update);
  return (
    <SelectField<EmbeddingDevicePreference>
      label="Runs on"
      value={device}
      options={DEVICES}
      onChange={(embeddingDevice) => update({ embeddingDevice })}
    />
  );
}

export function ModelHostSelect() {
  const modelHost = useExplorer((s) => s.view.modelHost);
  const update = useExplorer((s) => s.update);
  return (
    <SelectField
      label="Models from"
      value={modelHost}
      options={MODEL_HOSTS}
      onChange={(host) => update({ modelHost: host })}
    />
  );
}
