import type { EmbeddingDevicePreference } from '../compute/embeddingDevice';
import { useExplorer } from '../stores/explorerStore';

/**
 * Settings of the models that run in the browser with transformers.js (the embedding model and the
 * cross-encoder teacher share them): where they run, and where their files are downloaded from.
 */

export function DeviceSelect() {
  const device = useExplorer((s) => s.view.embeddingDevice);
  const update = useExplorer((s) => s.update);
  return (
    <label>
      Runs on
      <select
        value={device}
        onChange={(e) => update({ embeddingDevice: e.target.value as EmbeddingDevicePreference })}
      >
        <option value="auto">auto</option>
        <option value="webgpu">WebGPU</option>
        <option value="wasm">WASM</option>
      </select>
    </label>
  );
}

export function ModelHostSelect() {
  const modelHost = useExplorer((s) => s.view.modelHost);
  const update = useExplorer((s) => s.update);
  return (
    <label>
      Models from
      <select value={modelHost} onChange={(e) => update({ modelHost: e.target.value as 'hub' | 'server' })}>
        <option value="hub">Hugging Face Hub</option>
        <option value="server">this server’s mirror</option>
      </select>
    </label>
  );
}
