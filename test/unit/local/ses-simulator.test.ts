import { describe, expect, it } from 'vitest';
import { feedbackOf } from '../../../functions/core/ses-feedback.ts';
import { simulatedKinds, simulatedSesEvent } from '../../../local/ses-simulator.ts';

const SIMULATION = { bounce: ['demo-0003'], complaint: ['demo-0004'], configurationSet: 'lethe-notices' };
const SENT = {
  messageId: 'ses-123',
  noticeKey: 'notice#subj#2026-11-24T10:00:00.000Z#deactivated',
  sentAt: '2026-11-24T10:00:01.000Z',
};

describe('the local SES mailbox simulator', () => {
  it('reports a delivery for every notice, a hard bounce or a complaint for the accounts named', () => {
    expect(simulatedKinds('demo-0001', SIMULATION)).toEqual(['delivery']);
    expect(simulatedKinds('demo-0003', SIMULATION)).toEqual(['bounce']);
    expect(simulatedKinds('demo-0004', SIMULATION)).toEqual(['delivery', 'complaint']);
    expect(simulatedKinds(undefined, SIMULATION)).toEqual(['delivery']);
  });

  it('makes events the feedback handler reads as it reads SES’s own', () => {
    // Arrange
    const at = new Date('2026-11-24T10:00:05.000Z');
    // Act
    const [delivery, bounce, complaint] = (['delivery', 'bounce', 'complaint'] as const).map((kind) =>
      feedbackOf(simulatedSesEvent(kind, SENT, SIMULATION, at)),
    );
    // Assert
    const common = { messageId: 'ses-123', noticeKey: SENT.noticeKey, at: at.toISOString() };
    expect(delivery).toEqual({ kind: 'delivery', ...common });
    expect(bounce).toEqual({ kind: 'bounce', ...common, bounceType: 'Permanent', bounceSubType: 'General' });
    expect(complaint).toEqual({ kind: 'complaint', ...common, feedbackType: 'abuse' });
  });
});
