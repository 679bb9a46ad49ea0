/**
 * Anonymous analytics for the page: a tracker that honours Do-Not-Track and Global Privacy
 * Control, the visitor's Privacy panel (ID, export, erase) and the operators' summary.
 */
export { AdminSummary, type AdminSummaryProps, type AnalyticsSummary } from './AdminSummary.tsx';
export { PrivacyDisclosure } from './PrivacyDisclosure.tsx';
export { PrivacyPanel, type PrivacyPanelProps } from './PrivacyPanel.tsx';
export {
  type AnalyticsClient,
  createTracker,
  type EventProps,
  optedOut,
  type Tracker,
  type TrackerOptions,
  VISITOR_KEY,
} from './tracker.ts';
