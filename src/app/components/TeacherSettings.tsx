import { JUDGE_MODES, type JudgeMode } from '../../core/teachers/llmApi';
import { useExplorer } from '../stores/explorerStore';

const LLM = 'llm:';

/**
 * The teacher: gold labels, noisy gold labels, or an LLM through the server's teacher proxy (a model name
 * such as `OpenAI/gpt-4o-mini` or a LiteLLM/vLLM model), plus the optional HyDE writer. Text fields commit
 * on Enter or when they lose focus.
 */
export function TeacherSettings() {
  const view = useExplorer((s) => s.view);
  const update = useExplorer((s) => s.update);
  const isLlm = view.teacher.startsWith(LLM);
  const kind = isLlm ? 'llm' : view.teacher;
  const commitText = (input: HTMLInputElement, apply: (value: string) => void) => apply(input.value.trim());

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
          <option value="llm">LLM (teacher proxy)</option>
        </select>
      </label>
      {isLlm && (
        <>
          <label>
            LLM model
            <input
              type="text"
              key={view.teacher}
              defaultValue={view.teacher.slice(LLM.length)}
              placeholder="OpenAI/gpt-4o-mini"
              data-testid="teacher-model"
              onBlur={(e) => commitText(e.currentTarget, (m) => m && update({ teacher: `${LLM}${m}` }))}
              onKeyDown={(e) =>
                e.key === 'Enter' &&
                commitText(e.currentTarget, (m) => m && update({ teacher: `${LLM}${m}` }))
              }
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
        <input
          type="text"
          key={`hyde-${view.hydeModel}`}
          defaultValue={view.hydeModel}
          placeholder="none"
          title="An LLM that writes a hypothetical document per query (adds the hyde and optimized_hyde types)"
          data-testid="hyde-model"
          onBlur={(e) => commitText(e.currentTarget, (m) => update({ hydeModel: m }))}
          onKeyDown={(e) => e.key === 'Enter' && commitText(e.currentTarget, (m) => update({ hydeModel: m }))}
        />
      </label>
    </>
  );
}

/** A sensible model to start the LLM teacher with. */
function lastLlmModel(teacher: string): string {
  return teacher.startsWith(LLM) ? teacher.slice(LLM.length) : 'OpenAI/gpt-4o-mini';
}
