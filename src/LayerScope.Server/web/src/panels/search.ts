// The search panel: a query over the run's text and metadata; its matches are highlighted on the scatter and
// counted under the box. Only the latest query's answer shows.
import { search } from "../api";
import { byId, replaceChildren } from "../dom";
import { LatestRequest } from "../latest";
import type { ViewerStore } from "../state";
import type { StatusPanel } from "./status";

export class SearchPanel {
  private readonly request = new LatestRequest();
  private readonly result = byId("search-result");

  constructor(
    private readonly store: ViewerStore,
    private readonly status: StatusPanel,
  ) {
    const form = byId<HTMLFormElement>("search-form");
    const input = byId<HTMLInputElement>("search");
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.search(input.value.trim());
    });
  }

  /** Forgets the last run's answer, and drops one still on its way. */
  clear(): void {
    this.request.cancel();
    replaceChildren(this.result);
  }

  async search(query: string): Promise<void> {
    const run = this.store.state.run;
    if (!run) return;
    if (query === "") {
      this.request.cancel();
      this.store.update({ matches: [] });
      replaceChildren(this.result);
      return;
    }
    try {
      const answer = await this.request.run((signal) => search(run.id, query, signal));
      if (!answer.latest || this.store.state.run !== run) return;
      const { matches, total } = answer.value;
      this.store.update({ matches });
      this.result.textContent =
        total > matches.length ? `${total.toLocaleString()} matches (first ${matches.length} highlighted)` : `${total.toLocaleString()} matches`;
    } catch (error) {
      this.status.error(error);
    }
  }
}
