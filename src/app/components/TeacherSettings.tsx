import { DEFAULT_CROSS_ENCODER_MODEL } from '../../core/teachers/crossEncoderModel';
import { JUDGE_MODES, type JudgeMode } from '../../core/teachers/llmApi';
import { crossEncoderTeacherModel } from '../../core/teachers/teacherFactory';
import { defaultJudgeMode } from '../../core/teachers/teacherNames';
import type { ViewState } from '../url/urlState';
import { useExplorer } from '../stores/explorerStore';
import { DeviceSelect, ModelHostSelect } from './BrowserModelSelects';
import { CommitTextField } from './CommitTextInput';
import { SelectField } from './SelectField';

const LLM = 'llm:';
const CROSS_ENCODER = 'cross-encoder';

const TEACHER_KINDS = [
  { value: 'gold', label: 'Gold labels' },
  { value: 'noisy-gold', label: 'Noisy gold labels' },
  { value: CROSS_ENCODER, label: 'Cross-encoder (transformers.js)' },
  { value: 'llm', label: 'LLM (teacher proxy)' },
];

const JUDGE_MODE_LABELS: Record<JudgeMode, string> = {
  yesno: 'P(yes) from log-probs',
  verbalized: 'verbalized 0–100',
  truefalse: 'P(true) (FollowIR-7B)',
};

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
      <SelectField
        label="Teacher"
        value={kind}
        options={TEACHER_KINDS}
        testId="teacher-select"
        onChange={(k) =>
          update(k === 'llm' ? llmTeacherPatch(view, lastLlmModel(view.teacher)) : { teacher: k })
        }
      />
      {isCrossEncoder && (
        <>
          <CommitTextField
            label="Cross-encoder"
            value={crossEncoderModel}
            placeholder={DEFAULT_CROSS_ENCODER_MODEL}
            title="A Hugging Face Hub id of a cross-encoder with ONNX weights; its raw logits are the scores"
            data-testid="teacher-cross-encoder-model"
            onCommit={commitCrossEncoder}
          />
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
          <CommitTextField
            label="LLM model"
            value={view.teacher.slice(LLM.length)}
            placeholder="OpenAI/gpt-4o-mini"
            data-testid="teacher-model"
            onCommit={(m) => m && update(llmTeacherPatch(view, m))}
          />
          <SelectField<JudgeMode>
            label="Scoring"
            value={view.teacherMode}
            options={JUDGE_MODES.map((m) => ({ value: m, label: JUDGE_MODE_LABELS[m] }))}
            onChange={(teacherMode) => update({ teacherMode })}
            testId="teacher-mode"
          />
        </>
      )}
      <CommitTextField
        label="HyDE writer"
        value={view.hydeModel}
        placeholder="none"
        title="An LLM that writes a hypothetical document per query (adds the hyde and optimized_hyde types)"
        data-testid="hyde-model"
        onCommit={(m) => update({ hydeModel: m })}
      />
    </>
  );
}

/**
 * The view change of choosing LLM `model` as the teacher. As the command line, the judge format follows the
 * model unless told: choosing FollowIR-7B picks its own `truefalse` format, and leaving it for another model
 * picks P(yes) (`truefalse` suits FollowIR-7B only); between other models the chosen format stays.
 */
export function llmTeacherPatch(
  view: Pick<ViewState, 'teacher' | 'teacherMode'>,
  model: string,
): Pick<ViewState, 'teacher' | 'teacherMode'> {
  const teacher = `${LLM}${model}`;
  const fitting = defaultJudgeMode(model);
  if (fitting === 'truefalse' || view.teacherMode === 'truefalse') return { teacher, teacherMode: fitting };
  return { teacher, teacherMode: view.teacherMode };
}

/** A sensible model to start the LLM teacher with. */
function lastLlmModel(teacher: string): string {
  return teacher.startsWith(LLM) ? teacher.slice(LLM.length) : 'OpenAI/gpt-4o-mini';
}
