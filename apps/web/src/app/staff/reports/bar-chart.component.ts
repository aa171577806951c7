import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

export interface Bar {
  label: string;
  value: number;
  /** Shown after the value, e.g. "(25.0 %)". */
  note?: string;
}

let nextId = 0;

/**
 * A bar chart drawn as inline SVG: horizontal bars with their labels (outcome mix), or vertical
 * columns with a label under every few (hours of the day). The SVG is an image with a title and
 * a description in words; the page shows the same numbers in a table beside it.
 */
@Component({
  selector: 'pb-bar-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <svg
      class="bar-chart"
      [attr.viewBox]="'0 0 ' + width + ' ' + height()"
      role="img"
      [attr.aria-labelledby]="id + '-title'"
      [attr.aria-describedby]="id + '-desc'"
      preserveAspectRatio="xMinYMin meet"
    >
      <title [attr.id]="id + '-title'">{{ title() }}</title>
      <desc [attr.id]="id + '-desc'">{{ description() }}</desc>
      @if (orientation() === 'horizontal') {
        @for (bar of bars(); track bar.label; let i = $index) {
          <text class="bar-label" [attr.x]="labelWidth - 8" [attr.y]="i * rowHeight + 17" text-anchor="end">
            {{ bar.label }}
          </text>
          <rect
            class="bar"
            [attr.x]="labelWidth"
            [attr.y]="i * rowHeight + 4"
            [attr.width]="barLength(bar.value, plotWidth)"
            [attr.height]="rowHeight - 8"
          />
          <text
            class="bar-value"
            [attr.x]="labelWidth + barLength(bar.value, plotWidth) + 6"
            [attr.y]="i * rowHeight + 17"
          >
            {{ bar.value }}{{ bar.note ? ' ' + bar.note : '' }}
          </text>
        }
      } @else {
        <line
          class="axis"
          x1="0"
          [attr.y1]="columnTop + columnHeight"
          [attr.x2]="width"
          [attr.y2]="columnTop + columnHeight"
        />
        @for (bar of bars(); track bar.label; let i = $index) {
          <rect
            class="bar"
            [attr.x]="i * columnWidth() + 2"
            [attr.y]="columnTop + columnHeight - barLength(bar.value, columnHeight)"
            [attr.width]="columnWidth() - 4"
            [attr.height]="barLength(bar.value, columnHeight)"
          />
          @if (bar.value > 0) {
            <text
              class="bar-value"
              [attr.x]="i * columnWidth() + columnWidth() / 2"
              [attr.y]="columnTop + columnHeight - barLength(bar.value, columnHeight) - 4"
              text-anchor="middle"
            >
              {{ bar.value }}
            </text>
          }
          @if (i % labelEvery() === 0) {
            <text
              class="bar-label"
              [attr.x]="i * columnWidth() + columnWidth() / 2"
              [attr.y]="columnTop + columnHeight + 16"
              text-anchor="middle"
            >
              {{ bar.label }}
            </text>
          }
        }
      }
    </svg>
  `,
  styles: `
    .bar-chart {
      width: 100%;
      height: auto;
      max-width: 48rem;
      display: block;
      font-size: 13px;
    }
    .bar {
      fill: var(--primary);
    }
    .bar-label,
    .bar-value {
      fill: var(--text);
    }
    .axis {
      stroke: var(--line);
    }
  `,
})
export class BarChartComponent {
  readonly title = input.required<string>();
  readonly description = input.required<string>();
  readonly bars = input.required<readonly Bar[]>();
  readonly orientation = input<'horizontal' | 'vertical'>('horizontal');
  /** Vertical charts: label every nth column. */
  readonly labelEvery = input(1);

  protected readonly id = `pb-chart-${++nextId}`;
  protected readonly width = 640;
  protected readonly labelWidth = 170;
  protected readonly plotWidth = 640 - 170 - 110;
  protected readonly rowHeight = 26;
  protected readonly columnTop = 18;
  protected readonly columnHeight = 160;

  private readonly max = computed(() => Math.max(0, ...this.bars().map((b) => b.value)));
  protected readonly height = computed(() =>
    this.orientation() === 'horizontal'
      ? Math.max(1, this.bars().length) * this.rowHeight
      : this.columnTop + this.columnHeight + 24,
  );
  protected readonly columnWidth = computed(() => this.width / Math.max(1, this.bars().length));

  protected barLength(value: number, full: number): number {
    const max = this.max();
    return max === 0 ? 0 : Math.round((value / max) * full * 10) / 10;
  }
}
