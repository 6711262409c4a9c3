// Approval prompt ("IT Security" asking a person): shows one step that policy will not run on its own and turns
// a key press into an ApprovalAnswer — approve once, approve the tool for the task, deny, or deny with a note.
import { Box, Text, useInput, useWindowSize } from 'ink';
import { useState } from 'react';
import type { ApprovalAnswer, ApprovalRequest } from '../office/ports.js';
import { inputLines, riskColour } from './format.js';

type ChoiceKey = 'y' | 'a' | 'n' | 'd';

interface Choice {
  readonly key: ChoiceKey;
  readonly label: (tool: string) => string;
}

const CHOICES: readonly Choice[] = [
  { key: 'y', label: () => 'approve this step once' },
  { key: 'a', label: (tool) => `approve ${tool} for the rest of this task` },
  { key: 'n', label: () => 'deny' },
  { key: 'd', label: () => 'deny with a note for the planner' },
];

const ANSWERS: Readonly<Record<Exclude<ChoiceKey, 'd'>, ApprovalAnswer>> = {
  y: { decision: 'approve', scope: 'once' },
  a: { decision: 'approve', scope: 'tool' },
  n: { decision: 'deny' },
};

export interface ApprovalPromptProps {
  readonly request: ApprovalRequest;
  /** Requests waiting behind this one. */
  readonly queued: number;
  readonly onAnswer: (answer: ApprovalAnswer) => void;
}

export function ApprovalPrompt({ request, queued, onAnswer }: ApprovalPromptProps) {
  const [highlighted, setHighlighted] = useState(0);
  const [note, setNote] = useState<string | undefined>(undefined);
  const { columns } = useWindowSize();

  const choose = (key: ChoiceKey) => {
    if (key === 'd') setNote('');
    else onAnswer(ANSWERS[key]);
  };

  useInput((input, key) => {
    if (key.ctrl || key.meta) return;
    if (note !== undefined) {
      if (key.escape) setNote(undefined);
      else if (key.return)
        onAnswer(note.trim() ? { decision: 'deny', note: note.trim() } : { decision: 'deny' });
      else if (key.backspace || key.delete) setNote(note.slice(0, -1));
      else if (input && !key.tab && !key.upArrow && !key.downArrow && !key.leftArrow && !key.rightArrow)
        setNote(note + input.replace(/[\r\n]+/g, ' '));
      return;
    }
    if (key.upArrow) setHighlighted((h) => (h + CHOICES.length - 1) % CHOICES.length);
    else if (key.downArrow || key.tab) setHighlighted((h) => (h + 1) % CHOICES.length);
    else if (key.return) choose(CHOICES[highlighted]?.key ?? 'n');
    else {
      const typed = CHOICES.find((c) => c.key === input.toLowerCase());
      if (typed) choose(typed.key);
    }
  });

  const width = Math.max(20, columns - 12);
  return (
    <Box
      flexDirection="column"
      borderStyle="bold"
      borderColor="yellow"
      borderTop={false}
      borderRight={false}
      borderBottom={false}
      paddingLeft={1}
    >
      <Text wrap="truncate-end">
        <Text bold color="yellow">
          approval needed
        </Text>{' '}
        <Text bold>{request.tool}</Text> risk{' '}
        <Text color={riskColour(request.risk)} bold>
          {request.risk}
        </Text>
        <Text dimColor>
          {' '}
          · step {request.stepId} · plan {request.planId}
          {queued > 0 ? ` · ${queued} more waiting` : ''}
        </Text>
      </Text>
      {request.provenance ? (
        <Text color="red" bold>
          proposed by {request.provenance}
        </Text>
      ) : null}
      {request.action ? (
        <Text>
          <Text dimColor>step </Text>
          {request.action}
        </Text>
      ) : null}
      <Box>
        <Text dimColor>inputs </Text>
        <Text>{inputLines(request.inputs, 4, width).join('\n')}</Text>
      </Box>
      <Text>
        <Text dimColor>why </Text>
        {request.reason}
      </Text>
      {request.assessment ? (
        <Text>
          <Text dimColor>gatekeeper </Text>
          {request.assessment}
        </Text>
      ) : null}
      {note === undefined ? (
        <>
          {CHOICES.map((c, i) => (
            <Text key={c.key} wrap="truncate-end" {...(i === highlighted ? { color: 'cyan' } : {})}>
              {i === highlighted ? '❯ ' : '  '}
              <Text bold>{c.key}</Text> {c.label(request.tool)}
            </Text>
          ))}
          <Text dimColor>press a key, or ↑/↓ and Enter</Text>
        </>
      ) : (
        <>
          <Text>
            note for the planner: {note}
            <Text inverse> </Text>
          </Text>
          <Text dimColor>Enter denies the step with this note · Esc goes back to the choices</Text>
        </>
      )}
    </Box>
  );
}
