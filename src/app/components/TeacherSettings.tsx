import { DEFAULT_CROSS_ENCODER_MODEL } from '../../core/teachers/crossEncoderModel';
import { JUDGE_MODES, type JudgeMode } from '../../core/teachers/llmApi';
import { crossEncoderTeacherModel } from '../../core/teachers/teacherFactory';
import { useExplorer } from '../stores/explorerStore';
import { DeviceSelect, ModelHostSelect } from './BrowserModelSelects';
import { CommitTextInput } from './CommitTextInput';

const LLM = 'llm:';
const CROSS_ENCODER = 'cross-encoder';

/**
 * The teacher: gold labels, noisy gold labels, a cross-encoder run in the browser (a Hub id, default
 * cross-encoder/ms-marco-MiniLM-L-6-v2, raw logits as scores), or an LLM through the server's teacher proxy
 * (a model name such as `OpenAI/gpt-4o-mini` or a LiteLLM/vLLM model), plus the optional HyDE writer. The
 * cross-encoder runs where the embedding model does (WebGPU or WASM) and downloads from the same host; with
 * the offline LSA embedder those two choices are offered here. Text fields commit on Enter or when they
 * lose focus.
 */
export function TeacherSettings() {
  const view = useExplorer((s) => s.view);
  const update = useExplorer((s) => s.update);
  const isLlm = view.teacher.startsWith(LLM);
  const crossEncoderModel = crossEncoderTeacherModel(view.teacher);
  const isCrossEncoder = crossEncoderModel !== undefined;
  const kind = isLlm ? 'llm' : isCrossEncoder ? CROSS_ENCODER : view.teacher;
  const isLsa = /^lsa(-\d+)?$/.test(view.embeddingModel);
  const commitCrossEncoder = (model: string) =>
    update({
      teacher: model && model !== DEFAULT_CROSS_ENCODER_MODEL ? `${CROSS_ENCODER}:${model}` : CROSS_ENCODER,
    });

  return (
    <>
      <label>
        Teacher
        <select
          value={kind}
          data-testid="teacher-select"
          onChange={(e) =>
            update({
              teacher: e.target.value === 'llm' ? `${LLM}${lastLlmModel(view.teacher)}` : e.target.value,
            })
          }
        >
          <option value="gold">Gold labels</option>
          <option value="noisy-gold">Noisy gold labels</option>
          <option value={CROSS_ENCODER}>Cross-encoder (transformers.js)</option>
          <option value="llm">LLM (teacher proxy)</option>
        </select>
      </label>
      {isCrossEncoder && (
        <>
          <label>
            Cross-encoder
            <CommitTextInput
              key={view.teacher}
              defaultValue={crossEncoderModel}
              placeholder={DEFAULT_CROSS_ENCODER_MODEL}
              title="A Hugging Face Hub id of a cross-encoder with ONNX weights; its raw logits are the scores"
              data-testid="teacher-cross-encoder-model"
              onCommit={commitCrossEncoder}
            />
          </label>
          {isLsa && (
            <>
              <DeviceSelect />
              <ModelHostSelect />
            </>
          )}
        </>
      )}
      {isLlm && (
        <>
          <label>
            LLM model
            <CommitTextInput
              key={view.teacher}
              defaultValue={view.teacher.slice(LLM.length)}
              placeholder="OpenAI/gpt-4o-mini"
              data-testid="teacher-model"
              onCommit={(m) => m && update({ teacher: `${LLM}${m}` })}
            />
          </label>
          <label>
            Scoring
            <select
              value={view.teacherMode}
              onChange={(e) => update({ teacherMode: e.target.value as JudgeMode })}
            >
              {JUDGE_MODES.map((m) => (
                <option key={m} value={m}>
                  {m === 'yesno' ? 'P(yes) from log-probs' : 'verbalized 0–100'}
                </option>
              ))}
            </select>
          </label>
        </>
      )}
      <label>
        HyDE writer
        <CommitTextInput
          key={`hyde-${view.hydeModel}`}
          defaultValue={view.hydeModel}
          placeholder="none"
          title="An LLM that writes a hypothetical document per query (adds the hyde and optimized_hyde types)"
          data-testid="hyde-model"
          onCommit={(m) => update({ hydeModel: m })}
        />
      </label>
    </>
  );
}

/** A sensible model to start the LLM teacher with. */
function lastLlmModel(teacher: string): string {
  return teacher.startsWith(LLM) ? teacher.slice(LLM.length) : 'OpenAI/gpt-4o-mini';
}
