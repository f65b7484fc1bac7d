import { describe, expect, test } from 'vitest';
import { parseCustomerCallDecision } from '../../../outbound/customer-call-decision.js';

describe('parseCustomerCallDecision', () => {
  test.each([
    ['{"action":"answer","client_websocket_url":"wss://agent.example.com/calls"}', { action: 'answer', clientWebsocketUrl: 'wss://agent.example.com/calls' }],
    ['{"action":"answer"}', { action: 'answer', clientWebsocketUrl: null }],
    ['{"action":"answer","client_websocket_url":null}', { action: 'answer', clientWebsocketUrl: null }],
    ['{"action":"reject"}', { action: 'reject' }],
    [' {"action": "ignore"}\n', { action: 'ignore' }],
  ])('when the body is %s, then it is a decision', (body, decision) => {
    expect(parseCustomerCallDecision(body)).toEqual({ decision });
  });

  test.each([
    ['', 'not JSON'],
    ['answer', 'not JSON'],
    ['null', 'not a JSON object'],
    ['"answer"', 'not a JSON object'],
    ['[{"action":"answer"}]', 'not a JSON object'],
    ['{}', '"action" is undefined'],
    ['{"action":"Answer"}', '"action" is "Answer"'],
    ['{"action":"transfer"}', '"action" is "transfer"'],
    ['{"action":"reject","reason":"busy"}', 'keys a call decision does not: reason'],
    ['{"action":"ignore","client_websocket_url":"wss://a.example.com"}', 'keys a call decision does not: client_websocket_url'],
    ['{"action":"answer","client_websocket_url":42}', 'not a string'],
    ['{"action":"answer","client_websocket_url":"agent.example.com"}', 'not a URL'],
    ['{"action":"answer","client_websocket_url":"ws://agent.example.com"}', 'not a wss:// URL (ws:)'],
    ['{"action":"answer","client_websocket_url":"https://agent.example.com"}', 'not a wss:// URL (https:)'],
  ])('when the body is %s, then it is a problem naming why', (body, why) => {
    expect(parseCustomerCallDecision(body)).toEqual({ problem: expect.stringContaining(why) });
  });
});
