import { createTheme } from '@mui/material';

/**
 * MUI's defaults, with the warning and info colours darkened: the stock ones (#ed6c02, #0288d1)
 * carry white text below the 4.5:1 contrast WCAG 2.1 AA asks for.
 */
export const theme = createTheme({
  palette: {
    warning: { main: '#8a4500', contrastText: '#fff' },
    info: { main: '#01579b', contrastText: '#fff' },
    success: { main: '#1b5e20', contrastText: '#fff' },
    error: { main: '#b71c1c', contrastText: '#fff' },
    text: { secondary: 'rgba(0, 0, 0, 0.7)' },
  },
  components: {
    MuiButtonBase: { defaultProps: { disableRipple: false } },
  },
});
