/**
 * The team's own alarm actions (props `alarmActions`, `alarmTopic` of `OAuthProbes`): added, for ALARM
 * and OK, to every alarm the plan says notifies (plan/alarms.ts: delivery `notifier` or `topic`), beside
 * the actions oauth-probe wires itself. The window alarms of a burn composite (no actions: the
 * composite notifies) get none, so a team's pager hears of each burn once. Which alarms: the plan's,
 * matched by name; lib/ decides nothing of its own.
 */
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { IConstruct } from 'constructs';
import type { PlannedAlarm } from '../../plan/index.js';

/** An alarm or composite alarm construct (aws-cdk-lib's AlarmBase), found in the tree. */
function isAlarm(construct: IConstruct): construct is cloudwatch.AlarmBase {
  return (
    typeof (construct as Partial<cloudwatch.AlarmBase>).addAlarmAction === 'function' &&
    typeof (construct as Partial<cloudwatch.AlarmBase>).addOkAction === 'function'
  );
}

/** The physical name the alarm was created with (`alarmName` / `compositeAlarmName`). */
function nameOf(alarm: cloudwatch.AlarmBase): string | undefined {
  const name = (alarm.node.defaultChild as { alarmName?: unknown } | undefined)?.alarmName;
  return typeof name === 'string' ? name : undefined;
}

/** Adds `actions` (ALARM and OK) to every notifying planned alarm under `scope`; returns how many alarms. */
export function addTeamAlarmActions(
  scope: IConstruct,
  planned: readonly PlannedAlarm[],
  actions: readonly cloudwatch.IAlarmAction[],
): number {
  if (actions.length === 0) return 0;
  const notifying = new Set(planned.filter((a) => a.delivery !== 'none').map((a) => a.name));
  let count = 0;
  for (const construct of scope.node.findAll()) {
    if (!isAlarm(construct)) continue;
    const name = nameOf(construct);
    if (!name || !notifying.has(name)) continue;
    construct.addAlarmAction(...actions);
    construct.addOkAction(...actions);
    count += 1;
  }
  return count;
}
