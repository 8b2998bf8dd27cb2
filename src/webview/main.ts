// Results panel browser bundle (filled in by the results-panel issue).
export {};
