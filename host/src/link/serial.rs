//! The driver's transport over a serial port (a board's USB-UART, or the emulator's
//! pseudo-terminal), on the `serialport` crate.

use super::transport::Transport;
use std::io::{self, Read, Write};
use std::time::Duration;

/// An open serial port.
pub struct SerialLink {
    port: Box<dyn serialport::SerialPort>,
    buf: Vec<u8>,
}

impl SerialLink {
    /// Opens `path` at `baud`, 8N1, no flow control.
    pub fn open(path: &str, baud: u32) -> Result<Self, serialport::Error> {
        let port = serialport::new(path, baud)
            .data_bits(serialport::DataBits::Eight)
            .parity(serialport::Parity::None)
            .stop_bits(serialport::StopBits::One)
            .flow_control(serialport::FlowControl::None)
            .timeout(Duration::from_millis(100))
            .open()?;
        // bytes a previous session left in the buffers would only be stale replies
        let _ = port.clear(serialport::ClearBuffer::All);
        Ok(SerialLink {
            port,
            buf: vec![0; 4096],
        })
    }
}

impl Transport for SerialLink {
    fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.port.write_all(bytes)?;
        self.port.flush()
    }

    fn recv(&mut self, timeout: Duration) -> io::Result<Vec<u8>> {
        self.port
            .set_timeout(timeout.max(Duration::from_millis(1)))
            .map_err(io::Error::other)?;
        match self.port.read(&mut self.buf) {
            Ok(n) => Ok(self.buf[..n].to_vec()),
            Err(e) if e.kind() == io::ErrorKind::TimedOut => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }
}

/// The serial ports the system lists: path and what kind of port it is.
pub fn list_ports() -> Result<Vec<(String, String)>, serialport::Error> {
    Ok(serialport::available_ports()?
        .into_iter()
        .map(|p| {
            let kind = match p.port_type {
                serialport::SerialPortType::UsbPort(u) => format!(
                    "USB {:04x}:{:04x}{}{}",
                    u.vid,
                    u.pid,
                    u.manufacturer.map(|m| format!(" {m}")).unwrap_or_default(),
                    u.product.map(|m| format!(" {m}")).unwrap_or_default()
                ),
                serialport::SerialPortType::PciPort => "PCI".into(),
                serialport::SerialPortType::BluetoothPort => "Bluetooth".into(),
                serialport::SerialPortType::Unknown => "unknown".into(),
            };
            (p.port_name, kind)
        })
        .collect())
}
