import {
  EMBEDDING_DTYPES,
  EMBEDDING_MODELS,
  POOLINGS,
  findRegisteredModel,
  type EmbeddingDtype,
  type Pooling,
} from '../../core/embedding/modelRegistry';
import { isRemoteEmbeddingModel, REMOTE_PREFIX } from '../../core/embedding/remoteModels';
import { useExplorer } from '../stores/explorerStore';
import { DeviceSelect, ModelHostSelect } from './BrowserModelSelects';
import { CommitTextField } from './CommitTextInput';
import { SelectField } from './SelectField';

const LSA = [
  { value: 'lsa-64', label: 'LSA, 64 dims (no download)' },
  { value: 'lsa-128', label: 'LSA, 128 dims (no download)' },
  { value: 'lsa', label: 'LSA, 256 dims (no download)' },
];
const OTHER = '__other__';
const REMOTE = '__remote__';

/**
 * The embedding model: the offline LSA embedder, a model of the registry (downloaded from the Hugging Face
 * Hub or this server's mirror on first use, then cached in the browser), or any other Hub id with its
 * pooling; where it runs (WebGPU or WASM) and the precision of its weights. Or `remote:<model>`: a large
 * model on the OpenAI-compatible embeddings server this app server is configured with (EMBED_BASE_URL,
 * BASE_URL or OpenAI/<model>), named as that server names it.
 */
export function EmbeddingSettings() {
  const view = useExplorer((s) => s.view);
  const update = useExplorer((s) => s.update);
  const isLsa = /^lsa(-\d+)?$/.test(view.embeddingModel);
  const registered = findRegisteredModel(view.embeddingModel);
  const known = isLsa || Boolean(registered);
  const isRemote = isRemoteEmbeddingModel(view.embeddingModel);
  const commit = (id: string) => {
    if (id && id !== view.embeddingModel) update({ embeddingModel: id });
  };

  return (
    <>
      <label>
        Embedding
        <select
          value={isRemote ? REMOTE : known ? (registered?.name ?? view.embeddingModel) : OTHER}
          data-testid="embedding-select"
          onChange={(e) =>
            update({
              embeddingModel:
                e.target.value === OTHER
                  ? 'BAAI/bge-base-en-v1.5'
                  : e.target.value === REMOTE
                    ? `${REMOTE_PREFIX}Qwen/Qwen3-Embedding-8B`
                    : e.target.value,
            })
          }
        >
          <optgroup label="Offline">
            {LSA.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </optgroup>
          <optgroup label="Neural (transformers.js)">
            {EMBEDDING_MODELS.map((m) => (
              <option key={m.name} value={m.name} title={m.description}>
                {m.name}
              </option>
            ))}
            <option value={OTHER}>Other Hub model…</option>
          </optgroup>
          <optgroup label="On an embeddings server (via this app’s server)">
            <option value={REMOTE}>Remote model…</option>
          </optgroup>
        </select>
      </label>
      {isRemote && (
        <CommitTextField
          label="Server model"
          title="As the embeddings server names it; OpenAI/<model> for OpenAI"
          value={view.embeddingModel.slice(REMOTE_PREFIX.length)}
          placeholder="Qwen/Qwen3-Embedding-8B"
          data-testid="embedding-remote-model"
          onCommit={(model) => model && commit(`${REMOTE_PREFIX}${model}`)}
        />
      )}
      {!known && !isRemote && (
        <>
          <CommitTextField
            label="Hub id"
            value={view.embeddingModel}
            data-testid="embedding-model-id"
            onCommit={commit}
          />
          <SelectField<Pooling | ''>
            label="Pooling"
            value={view.embedding.pooling ?? ''}
            options={[{ value: '', label: 'from the model card…' }, ...POOLINGS]}
            onChange={(pooling) =>
              update({ embedding: { dtype: view.embedding.dtype, ...(pooling && { pooling }) } })
            }
          />
        </>
      )}
      {!isLsa && !isRemote && (
        <>
          <DeviceSelect />
          <SelectField<EmbeddingDtype>
            label="Weights"
            value={view.embedding.dtype}
            options={registered?.dtypes ?? EMBEDDING_DTYPES}
            onChange={(dtype) => update({ embedding: { ...view.embedding, dtype } })}
          />
          <ModelHostSelect />
        </>
      )}
    </>
  );
}
