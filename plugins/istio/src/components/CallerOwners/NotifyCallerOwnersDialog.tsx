import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { NotifyCallerOwnersResponse } from '@meshportal/plugin-istio-common';
import { useState } from 'react';
import { CallersTarget, istioApiRef } from '../../api/IstioApi';

const inDays = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

function Outcome(props: { result: NotifyCallerOwnersResponse }) {
  const { notified, alreadyNotified, unclaimed } = props.result;
  return (
    <div role="status">
      <Typography>
        {notified.length
          ? `Notified: ${notified.join(', ')}.`
          : 'Nobody new to notify.'}
      </Typography>
      {alreadyNotified.length > 0 && (
        <Typography variant="body2">
          Already told about this date: {alreadyNotified.join(', ')}.
        </Typography>
      )}
      {unclaimed.length > 0 && (
        <Typography variant="body2">
          Without an owner to tell:{' '}
          {unclaimed
            .map(c =>
              c.sourceWorkload === 'unknown'
                ? 'callers outside the mesh'
                : `${c.sourceNamespace}/${c.sourceWorkload}`,
            )
            .join(', ')}
          .
        </Typography>
      )}
    </div>
  );
}

/**
 * "Notify caller owners": a button opening a small dialog that asks for
 * the planned day and an optional note, then tells the owners of the
 * target's plaintext callers through Backstage notifications.
 */
export function NotifyCallerOwnersButton(props: {
  target: CallersTarget;
  /** What goes STRICT, as the dialog names it. */
  label: string;
  disabled?: boolean;
}) {
  const api = useApi(istioApiRef);
  const [open, setOpen] = useState(false);
  const [plannedDate, setPlannedDate] = useState(inDays(14));
  const [note, setNote] = useState('');
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<NotifyCallerOwnersResponse>();
  const [error, setError] = useState<Error>();

  const close = () => {
    setOpen(false);
    setResult(undefined);
    setError(undefined);
  };
  const send = async () => {
    setSending(true);
    setError(undefined);
    try {
      setResult(
        await api.notifyCallerOwners(props.target, {
          plannedDate,
          ...(note.trim() ? { note: note.trim() } : {}),
        }),
      );
    } catch (e) {
      setError(e as Error);
    } finally {
      setSending(false);
    }
  };

  return (
    <>
      <Button
        variant="outlined"
        color="primary"
        size="small"
        disabled={props.disabled}
        onClick={() => setOpen(true)}
      >
        Notify caller owners
      </Button>
      {open && (
        <Dialog open onClose={close} aria-labelledby="notify-callers-title">
          <DialogTitle id="notify-callers-title">
            Tell the caller owners that {props.label} goes STRICT
          </DialogTitle>
          <DialogContent>
            <Typography variant="body2" paragraph>
              The owners of its plaintext callers get a notice naming the
              service, the day, and what each caller must change. Each owner is
              told once per day planned.
            </Typography>
            <TextField
              id="notify-callers-date"
              label="STRICT planned for"
              type="date"
              value={plannedDate}
              onChange={e => setPlannedDate(e.target.value)}
              InputLabelProps={{ shrink: true }}
              inputProps={{ min: inDays(0) }}
              fullWidth
              margin="dense"
            />
            <TextField
              id="notify-callers-note"
              label="Note (optional)"
              value={note}
              onChange={e => setNote(e.target.value)}
              multiline
              minRows={2}
              inputProps={{ maxLength: 1000 }}
              fullWidth
              margin="dense"
            />
            {result && <Outcome result={result} />}
            {error && (
              <Typography color="error" role="alert">
                Not sent: {error.message}
              </Typography>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={close}>{result ? 'Close' : 'Cancel'}</Button>
            {!result && (
              <Button
                color="primary"
                variant="contained"
                disabled={sending || !plannedDate}
                onClick={send}
              >
                {sending ? 'Sending…' : 'Send notices'}
              </Button>
            )}
          </DialogActions>
        </Dialog>
      )}
    </>
  );
}
