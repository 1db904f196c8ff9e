// Package rules lists kvet's native Go rules.
package rules

import (
	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/rules/apiversion"
	"github.com/kvet-dev/kvet/rules/cronjob"
	"github.com/kvet-dev/kvet/rules/job"
	"github.com/kvet-dev/kvet/rules/pod"
	"github.com/kvet-dev/kvet/rules/rbacset"
	"github.com/kvet-dev/kvet/rules/service"
	"github.com/kvet-dev/kvet/rules/serviceaccount"
)

// All returns every rule kvet has, engine rules first, in a fixed order.
// Each call returns fresh values.
func All() []*analyzer.Rule {
	return append(analyzer.EngineRules(),
		apiversion.DeprecatedAPIVersion(),

		pod.ResourceLimitsMissing(),
		pod.ResourceRequestsMissing(),
		pod.ResourceRequestExceedsLimit(),
		pod.DefaultServiceAccount(),
		pod.ImageTagMutable(),

		job.RestartPolicyInvalid(),
		job.BackoffLimitUnset(),
		job.BackoffLimitHigh(),
		job.ActiveDeadlineMissing(),
		job.TTLMissing(),
		job.ParallelismExceedsCompletions(),

		cronjob.ScheduleInvalid(),
		cronjob.ScheduleTimezone(),
		cronjob.ScheduleNeverFires(),
		cronjob.NameTooLong(),
		cronjob.TimezoneMissing(),
		cronjob.TimezoneInvalid(),
		cronjob.ConcurrencyAllow(),
		cronjob.StartingDeadlineMissing(),
		cronjob.StartingDeadlineShort(),
		cronjob.HistoryLimits(),
		cronjob.Suspended(),

		serviceaccount.TokenAutomount(),
		service.HeadlessLoadBalancing(),

		rbacset.RoleRefNotFound(),
		rbacset.RoleRefKindInvalid(),
		rbacset.ClusterRoleCouldBeRole(),
		rbacset.WorkloadExcessivePermissions(),
		rbacset.ServiceAccountNotFound(),
		rbacset.AggregationLeak(),
	)
}
