import type { MetricName } from '../../../core/metrics/rankingMetrics';

/** The metrics the Experiments view shows in its tables. */
export const HEADLINE: { name: MetricName; label: string }[] = [
  { name: 'map', label: 'MAP' },
  { name: 'ndcg_at_10', label: 'nDCG@10' },
  { name: 'roc_auc', label: 'ROC AUC' },
  { name: 'mrr', label: 'MRR' },
  { name: 'precision_at_10', label: 'P@10' },
  { name: 'recall_at_50', label: 'R@50' },
];
